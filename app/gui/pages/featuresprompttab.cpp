// SPDX-License-Identifier: MIT
#include "featuresprompttab.h"

#include "appcontext.h"
#include "featuresstate.h"
#include "jobrunner.h"

#include "io/json.h"

#include "featureheatmap.h"
#include "plots/tokenstripfigure.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace gb {

FeaturesPromptTab::FeaturesPromptTab(FeaturesState &state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
{
    m_prompt = new QPlainTextEdit(this);
    m_prompt->setPlaceholderText(tr("Type a prompt and press Analyse (Ctrl+Return)"));
    m_prompt->setMaximumHeight(72);
    m_bos = new QCheckBox(tr("Start with BOS"), this);
    m_bos->setChecked(true);
    m_bos->setToolTip(tr("SAELens trains on windows that start with BOS; features at position 0 then come from BOS."));
    auto *run = new QPushButton(tr("Analyse"), this);
    run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_order = new QComboBox(this);
    m_order->addItem(tr("by max activation"));
    m_order->addItem(tr("by mean activation"));
    m_order->addItem(tr("by firing count"));
    m_order->addItem(tr("by feature id"));
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("feature ids, e.g. 12, 3071"));
    m_filter->setClearButtonEnabled(true);
    m_heatmap = new FeatureHeatmapView(this);
    m_tokenTitle = new QLabel(tr("Click a token for its strongest features"), this);
    m_tokenFeatures = new QListWidget(this);
    m_tokenFeatures->setToolTip(tr("Double-click a feature for its dashboard"));
    m_metrics = new QLabel(this);
    m_metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metrics->setWordWrap(true);

    auto *controls = new QHBoxLayout;
    controls->addWidget(m_bos);
    controls->addStretch();
    controls->addWidget(new QLabel(tr("Features"), this));
    controls->addWidget(m_order);
    controls->addWidget(m_filter);
    controls->addWidget(run);
    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_tokenTitle);
    sideLayout->addWidget(m_tokenFeatures);
    auto *split = new QSplitter(this);
    split->addWidget(m_heatmap);
    split->addWidget(side);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_prompt);
    layout->addLayout(controls);
    layout->addWidget(split, 1);
    layout->addWidget(m_metrics);

    connect(run, &QPushButton::clicked, this, &FeaturesPromptTab::analyse);
    connect(m_order, &QComboBox::currentIndexChanged, this, &FeaturesPromptTab::showResult);
    connect(m_filter, &QLineEdit::textChanged, this, &FeaturesPromptTab::showResult);
    connect(m_heatmap, &FeatureHeatmapView::featureClicked, &m_state, &FeaturesState::openFeature);
    connect(m_heatmap, &FeatureHeatmapView::tokenClicked, this, &FeaturesPromptTab::showToken);
    connect(m_tokenFeatures, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { Q_EMIT m_state.openFeature(item->data(Qt::UserRole).toLongLong()); });
    connect(&m_state, &FeaturesState::labelsChanged, this, [this] {
        if (m_tokenFeatures->count())
            showToken(m_tokenFeatures->property("row").toInt());
    });
}

void FeaturesPromptTab::setPrompt(const QString &text) { m_prompt->setPlainText(text); }

void FeaturesPromptTab::analyse()
{
    const QString text = m_prompt->toPlainText();
    if (text.isEmpty() || !m_state.target().valid())
        return;
    const FeatureTarget target = m_state.target();
    const bool bos = m_bos->isChecked();
    auto session = m_state.session();
    m_metrics->setText(tr("Running the model\u2026"));
    m_state.ctx().jobs().submit(
        tr("Features of a prompt"), QStringLiteral("features-prompt"),
        [session, target, text, bos](Progress &progress, const CancelToken &cancel) -> std::any {
            return session->analysePrompt(target, text, bos, progress, cancel);
        },
        this,
        [this, text, bos](std::any r) {
            m_result = std::any_cast<FeatureSession::Prompt>(std::move(r));
            m_runId = 0;
            showResult();
            Json params = Json::object();
            params.set("prompt", text.toStdString()).set("bos", bos).set("hook", m_result.hook.toStdString());
            m_runId = m_state.recordRun("prompt_features", params, *m_heatmap->figure());
            m_heatmap->setProvenance(m_state.provenance(tr("Prompt features"), m_runId));
        },
        [this](const QString &message, bool) {
            m_metrics->setText(message);
            m_state.ctx().reportError(message);
        });
}

void FeaturesPromptTab::showResult()
{
    const FeatureSession::Prompt &p = m_result;
    const int T = int(p.ids.size()), C = int(p.features.size());
    std::vector<int> cols(static_cast<std::size_t>(C));
    std::iota(cols.begin(), cols.end(), 0);
    // Filter: only the listed ids (unknown or silent ones are simply absent).
    QList<qint64> wanted;
    for (const QString &part : m_filter->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 id = part.toLongLong(&ok);
        if (ok)
            wanted << id;
    }
    if (!wanted.isEmpty())
        cols.erase(std::remove_if(cols.begin(), cols.end(), [&](int c) { return !wanted.contains(p.features[std::size_t(c)]); }), cols.end());
    auto key = [&](int c) -> double {
        switch (m_order->currentIndex()) {
        case 0:
            return p.maxValue[std::size_t(c)];
        case 1:
            return p.meanValue[std::size_t(c)];
        case 2:
            return p.count[std::size_t(c)];
        default:
            return -double(p.features[std::size_t(c)]);
        }
    };
    std::stable_sort(cols.begin(), cols.end(), [&](int a, int b) { return key(a) > key(b); });

    const auto m = promptMatrix(p, cols);
    m_heatmap->setMatrix(m, tr("%1 tokens \u00D7 %2 active features at %3").arg(T).arg(cols.size()).arg(p.hook));
    m_heatmap->fitCells();
    // The stored figure follows the view (order, filter), so a re-render shows what was seen.
    m_state.updateFigure(m_runId, *m_heatmap->figure());
    m_heatmap->setProvenance(m_state.provenance(tr("Prompt features"), m_runId));
    m_metrics->setText(p.metrics);
    m_tokenFeatures->clear();
}

void FeaturesPromptTab::showToken(int row)
{
    const FeatureSession::Prompt &p = m_result;
    if (row < 0 || row >= int(p.ids.size()))
        return;
    const std::size_t C = p.features.size();
    std::vector<std::pair<float, qint64>> active;
    for (std::size_t c = 0; c < C; ++c)
        if (const float v = p.values[std::size_t(row) * C + c]; v > 0)
            active.emplace_back(v, p.features[c]);
    std::sort(active.begin(), active.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    m_tokenTitle->setText(tr("%1 (position %2): %3 active")
                              .arg(plots::tokenText(p.tokens[row]).text)
                              .arg(row)
                              .arg(active.size()));
    m_tokenFeatures->clear();
    m_tokenFeatures->setProperty("row", row);
    for (std::size_t i = 0; i < active.size() && i < 50; ++i) {
        const QString label = m_state.label(active[i].second);
        auto *item = new QListWidgetItem(QStringLiteral("%1  %2%3")
                                             .arg(active[i].first, 7, 'f', 3)
                                             .arg(active[i].second)
                                             .arg(label.isEmpty() ? QString() : QStringLiteral("  \u2014 ") + label),
                                         m_tokenFeatures);
        item->setData(Qt::UserRole, active[i].second);
    }
}

} // namespace gb
