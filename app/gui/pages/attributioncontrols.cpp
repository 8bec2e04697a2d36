// SPDX-License-Identifier: MIT
#include "attributioncontrols.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QListWidget>
#include <QSpinBox>

namespace gb {

namespace {

QComboBox *combo(QWidget *parent, const std::vector<std::pair<QString, QString>> &items)
{
    auto *c = new QComboBox(parent);
    for (const auto &[label, value] : items)
        c->addItem(label, value);
    return c;
}

void select(QComboBox *c, const std::string &value)
{
    const int i = c->findData(QString::fromStdString(value));
    if (i >= 0)
        c->setCurrentIndex(i);
}

std::string valueOf(const QComboBox *c)
{
    return c->currentData().toString().toStdString();
}

} // namespace

AttributionControls::AttributionControls(QWidget *parent)
    : QWidget(parent)
    , m_methods(new QListWidget(this))
    , m_kind(combo(this, {{tr("log-probability"), QStringLiteral("logprob")},
                          {tr("probability"), QStringLiteral("prob")},
                          {tr("logit"), QStringLiteral("logit")},
                          {tr("SAE feature activation"), QStringLiteral("feature")}}))
    , m_position(new QSpinBox(this))
    , m_baseline(combo(this, {{tr("zero embedding"), QStringLiteral("zero")}}))
    , m_input(combo(this, {{tr("token embeddings"), QStringLiteral("token_embeddings")},
                           {tr("residual input (resid_pre 0)"), QStringLiteral("resid_pre")}}))
    , m_steps(new QSpinBox(this))
    , m_quadrature(combo(this, {{tr("Gauss-Legendre"), QStringLiteral("gausslegendre")},
                                {tr("Gauss-Kronrod (2n+1 points)"), QStringLiteral("gausskronrod")},
                                {tr("Riemann, left"), QStringLiteral("riemann_left")},
                                {tr("Riemann, right"), QStringLiteral("riemann_right")},
                                {tr("Riemann, middle"), QStringLiteral("riemann_middle")},
                                {tr("trapezoid"), QStringLiteral("riemann_trapezoid")},
                                {tr("trapezoid, Captum's weights"), QStringLiteral("captum_trapezoid")}}))
    , m_adaptive(new QCheckBox(tr("adaptive, until |\u0394| \u2264"), this))
    , m_tolerance(new QDoubleSpinBox(this))
    , m_samples(new QSpinBox(this))
    , m_window(new QSpinBox(this))
    , m_budget(new QSpinBox(this))
    , m_faithfulness(new QCheckBox(tr("deletion / insertion curves"), this))
    , m_words(new QCheckBox(tr("merge sub-words into words"), this))
{
    setObjectName(QStringLiteral("attributioncontrols"));
    for (const AttributionMethod m : allAttributionMethods()) {
        auto *item = new QListWidgetItem(QString::fromStdString(displayName(m)), m_methods);
        item->setData(Qt::UserRole, int(m));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        const bool on = m == AttributionMethod::IntegratedGradients || m == AttributionMethod::Occlusion;
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
    m_methods->setMaximumHeight(m_methods->sizeHintForRow(0) * 6 + 2 * m_methods->frameWidth() + 2);
    m_methods->setToolTip(tr("Several methods are stacked for comparison, with their rank agreement."));
    m_kind->setToolTip(tr("What is explained at the position: log p (Captum's LLM convention), p, the raw logit,\n"
                          "or a dictionary feature's activation (open the dictionary on the page).\n"
                          "With a foil token, the logit difference target \u2212 foil."));
    m_position->setRange(-1, 0);
    m_position->setValue(-1); // "last": QSpinBox starts at 0 otherwise
    m_position->setSpecialValueText(tr("last"));
    m_position->setToolTip(tr("Position whose next-token prediction is explained."));
    m_baseline->setToolTip(tr("The reference input: zero embeddings, or every token replaced by one token.\n"
                              "A zero baseline over the residual input saturates LayerNorm: prefer a token there."));
    m_steps->setRange(1, 4096);
    m_steps->setValue(50);
    m_tolerance->setRange(0.0001, 0.5);
    m_tolerance->setDecimals(4);
    m_tolerance->setSingleStep(0.005);
    m_tolerance->setValue(0.01);
    m_tolerance->setSuffix(tr(" \u00D7 |f(x) \u2212 f(x\u2032)|"));
    m_samples->setRange(0, 100000);
    m_samples->setSpecialValueText(tr("default"));
    m_samples->setToolTip(tr("LIME samples (default 500) and KernelSHAP coalitions (default 2048; exact when all fit)."));
    m_window->setRange(1, 64);
    m_window->setToolTip(tr("Occlusion: tokens replaced together; a token's score averages its windows."));
    m_budget->setRange(16, 65536);
    m_budget->setSingleStep(256);
    m_budget->setValue(1024);
    m_budget->setSuffix(tr(" MiB"));
    m_budget->setToolTip(tr("Memory one batch of IG steps or perturbed prompts may use: long prompts run in\n"
                            "more, smaller batches instead of running out of memory."));
    m_faithfulness->setChecked(true);

    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Methods"), m_methods);
    form->addRow(tr("Explain"), m_kind);
    form->addRow(tr("Position"), m_position);
    form->addRow(tr("Baseline"), m_baseline);
    form->addRow(tr("Path over"), m_input);
    auto *steps = new QHBoxLayout;
    steps->addWidget(m_steps);
    steps->addWidget(m_quadrature, 1);
    form->addRow(tr("IG steps"), steps);
    auto *adaptive = new QHBoxLayout;
    adaptive->addWidget(m_adaptive);
    adaptive->addWidget(m_tolerance, 1);
    form->addRow(QString(), adaptive);
    form->addRow(tr("Samples"), m_samples);
    form->addRow(tr("Occlusion window"), m_window);
    form->addRow(tr("Batch memory"), m_budget);
    form->addRow(QString(), m_faithfulness);
    form->addRow(QString(), m_words);

    connect(m_methods, &QListWidget::itemChanged, this, [this] { updateEnabled(); Q_EMIT changed(); });
    connect(m_adaptive, &QCheckBox::toggled, this, [this] { updateEnabled(); Q_EMIT changed(); });
    for (QComboBox *c : {m_kind, m_baseline, m_input, m_quadrature})
        connect(c, &QComboBox::currentIndexChanged, this, &AttributionControls::changed);
    for (QSpinBox *s : {m_position, m_steps, m_samples, m_window, m_budget})
        connect(s, &QSpinBox::valueChanged, this, &AttributionControls::changed);
    connect(m_words, &QCheckBox::toggled, this, &AttributionControls::changed);
    updateEnabled();
}

void AttributionControls::updateEnabled()
{
    bool ig = false, sampled = false, occlusion = false;
    for (int i = 0; i < m_methods->count(); ++i) {
        const QListWidgetItem *item = m_methods->item(i);
        if (item->checkState() != Qt::Checked)
            continue;
        const auto m = AttributionMethod(item->data(Qt::UserRole).toInt());
        ig = ig || m == AttributionMethod::IntegratedGradients;
        sampled = sampled || m == AttributionMethod::Lime || m == AttributionMethod::KernelShap;
        occlusion = occlusion || m == AttributionMethod::Occlusion;
    }
    m_steps->setEnabled(ig && !m_adaptive->isChecked());
    m_quadrature->setEnabled(ig && !m_adaptive->isChecked());
    m_adaptive->setEnabled(ig);
    m_tolerance->setEnabled(ig && m_adaptive->isChecked());
    m_samples->setEnabled(sampled);
    m_window->setEnabled(occlusion);
    m_kind->setEnabled(!m_foil);
}

AttributionSettings AttributionControls::settings() const
{
    AttributionSettings s;
    for (int i = 0; i < m_methods->count(); ++i)
        if (m_methods->item(i)->checkState() == Qt::Checked)
            s.methods.push_back(AttributionMethod(m_methods->item(i)->data(Qt::UserRole).toInt()));
    s.kind = m_foil ? "logit_diff" : valueOf(m_kind);
    s.position = m_position->value();
    s.baseline = valueOf(m_baseline);
    s.input = valueOf(m_input);
    s.steps = m_steps->value();
    s.quadrature = valueOf(m_quadrature);
    s.adaptiveTolerance = m_adaptive->isChecked() ? m_tolerance->value() : 0.0;
    s.samples = m_samples->value();
    s.window = m_window->value();
    s.faithfulness = m_faithfulness->isChecked();
    s.words = m_words->isChecked();
    s.memoryBudgetMiB = m_budget->value();
    return s;
}

void AttributionControls::setSettings(const AttributionSettings &s)
{
    for (int i = 0; i < m_methods->count(); ++i) {
        const auto m = AttributionMethod(m_methods->item(i)->data(Qt::UserRole).toInt());
        const bool on = std::find(s.methods.begin(), s.methods.end(), m) != s.methods.end();
        m_methods->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
    select(m_kind, s.kind);
    m_position->setValue(int(s.position));
    select(m_baseline, s.baseline);
    select(m_input, s.input);
    m_steps->setValue(s.steps);
    select(m_quadrature, s.quadrature);
    m_adaptive->setChecked(s.adaptiveTolerance > 0);
    if (s.adaptiveTolerance > 0)
        m_tolerance->setValue(s.adaptiveTolerance);
    m_samples->setValue(s.samples);
    m_window->setValue(s.window);
    m_faithfulness->setChecked(s.faithfulness);
    m_words->setChecked(s.words);
    m_budget->setValue(s.memoryBudgetMiB);
    updateEnabled();
}

void AttributionControls::setBaselineTokens(const std::vector<std::pair<QString, std::int64_t>> &tokens)
{
    const QVariant current = m_baseline->currentData();
    QSignalBlocker block(m_baseline);
    while (m_baseline->count() > 1)
        m_baseline->removeItem(1);
    for (const auto &[label, id] : tokens)
        m_baseline->addItem(tr("token %1 (#%2)").arg(label).arg(id), QStringLiteral("token:%1").arg(id));
    const int i = m_baseline->findData(current);
    m_baseline->setCurrentIndex(std::max(0, i));
}

void AttributionControls::setPromptLength(int tokens)
{
    m_position->setMaximum(std::max(0, tokens - 1));
}

void AttributionControls::setFoilActive(bool active)
{
    m_foil = active;
    m_kind->setToolTip(active ? tr("With a foil token the target is logit(target) \u2212 logit(foil).") : m_kind->toolTip());
    updateEnabled();
}

} // namespace gb
