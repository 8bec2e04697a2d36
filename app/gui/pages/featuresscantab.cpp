// SPDX-License-Identifier: MIT
#include "featuresscantab.h"

#include "appcontext.h"
#include "featuresstate.h"
#include "jobrunner.h"

#include "common/error.h"
#include "io/json.h"
#include "store/workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace gb {

FeaturesScanTab::FeaturesScanTab(FeaturesState &state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
{
    m_corpus = new QLineEdit(this);
    m_corpus->setPlaceholderText(tr("corpus: .txt (one document per line) or .jsonl with a \"text\" field"));
    auto *browse = new QPushButton(tr("Browse\u2026"), this);
    m_format = new QComboBox(this);
    m_format->addItem(tr("from the extension"), QString());
    m_format->addItem(tr("one document per line"), QStringLiteral("lines"));
    m_format->addItem(tr("the whole file is one text"), QStringLiteral("whole"));
    m_format->addItem(tr("JSONL \"text\" field"), QStringLiteral("jsonl"));
    m_context = new QSpinBox(this);
    m_context->setRange(8, 4096);
    m_context->setValue(128);
    m_topK = new QSpinBox(this);
    m_topK->setRange(1, 255);
    m_topK->setValue(20);
    m_bos = new QCheckBox(tr("every window starts with BOS (as SAELens trains)"), this);
    m_bos->setChecked(true);
    m_start = new QPushButton(tr("Run or Resume Scan"), this);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stops the scan; what it has done stays in the workspace and Run resumes from there."));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setFormat(QString());
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("scan-status"));
    m_status->setWordWrap(true);
    m_runs = new QTreeWidget(this);
    m_runs->setHeaderLabels({tr("run"), tr("status"), tr("corpus"), tr("context"), tr("top-k"), tr("started")});
    m_runs->setRootIsDecorated(false);

    auto *corpusRow = new QHBoxLayout;
    corpusRow->addWidget(m_corpus, 1);
    corpusRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Corpus"), corpusRow);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Tokens per window"), m_context);
    form->addRow(tr("Examples kept per feature"), m_topK);
    form->addRow(QString(), m_bos);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    auto *run = new QHBoxLayout;
    run->addWidget(m_start);
    run->addWidget(m_progress, 1);
    run->addWidget(m_cancel);
    layout->addLayout(run);
    layout->addWidget(m_status);
    layout->addWidget(new QLabel(tr("Scans of this dictionary (select one for dashboards and search):"), this));
    layout->addWidget(m_runs, 1);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Corpus"), QString(), tr("Text corpora (*.txt *.jsonl);;All files (*)"));
        if (!f.isEmpty())
            setCorpus(f);
    });
    connect(m_start, &QPushButton::clicked, this, &FeaturesScanTab::startScan);
    connect(m_cancel, &QPushButton::clicked, this, &FeaturesScanTab::cancelScan);
    connect(&m_state.ctx().jobs(), &JobRunner::jobChanged, this, &FeaturesScanTab::showJob);
    connect(m_runs, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            m_state.setScanRun(item->data(0, Qt::UserRole).toLongLong());
    });
    connect(&m_state, &FeaturesState::targetChanged, this, &FeaturesScanTab::refresh);
    connect(&m_state.ctx(), &AppContext::runsChanged, this, &FeaturesScanTab::refresh);
    connect(&m_state.ctx(), &AppContext::workspaceChanged, this, &FeaturesScanTab::refresh);
}

void FeaturesScanTab::setCorpus(const QString &path) { m_corpus->setText(path); }

void FeaturesScanTab::setContext(int tokens) { m_context->setValue(tokens); }

void FeaturesScanTab::refresh()
{
    const qint64 keep = m_state.scanRun();
    m_runs->clear();
    Workspace *ws = m_state.ctx().workspace();
    if (!ws || m_state.dictionary().path.isEmpty())
        return;
    const auto dict = ws->artifactByPath(QFileInfo(m_state.dictionary().path).absoluteFilePath().toStdString());
    // Dashboards and search re-run a scan's windows through the current target, so only scans
    // made through it are offered: same model, crosscoder head and hook, weight processing (the
    // "extra" FeatureSession::scan records).
    const FeatureTarget &t = m_state.target();
    const auto model = t.modelPath.isEmpty() ? std::nullopt : ws->artifactByPath(QFileInfo(t.modelPath).absoluteFilePath().toStdString());
    auto sameTarget = [&t](const Json &params) {
        const Json *extra = params.find("extra");
        auto field = [extra](const char *key) -> const Json * { return extra && extra->isObject() ? extra->find(key) : nullptr; };
        const Json *head = field("head");
        const Json *hook = field("head_hook");
        const Json *processing = field("processing");
        const bool headOk = t.head < 0 ? head == nullptr
                                       : head && head->isNumber() && int(head->toDouble()) == t.head && hook && hook->isString()
                                             && QString::fromStdString(hook->toString()) == t.headHook;
        const QString p = processing && processing->isString() ? QString::fromStdString(processing->toString()) : QString();
        return headOk && p == t.processing;
    };
    QTreeWidgetItem *select = nullptr;
    for (const RunRecord &r : ws->runs("scan")) {
        bool mine = false, sameModel = false;
        QString corpus;
        const auto withInputs = ws->run(r.id); // runs() leaves inputs out
        for (const auto &[artifact, role] : withInputs ? withInputs->inputs : r.inputs) {
            mine = mine || (dict && role == "dictionary" && artifact == dict->id);
            sameModel = sameModel || (model && role == "model" && artifact == model->id);
            if (role == "corpus")
                if (const auto a = ws->artifact(artifact))
                    corpus = QFileInfo(QString::fromStdString(a->path)).fileName();
        }
        if (!mine || !sameModel)
            continue;
        Json params;
        try {
            params = Json::parse(r.paramsJson);
        } catch (const Error &) {
            continue;
        }
        if (!sameTarget(params))
            continue;
        const Json *settings = params.find("settings");
        auto setting = [&](const char *k) { return settings && settings->find(k) ? QString::fromStdString(settings->find(k)->dump()) : QString(); };
        auto *item = new QTreeWidgetItem(m_runs, {QString::number(r.id), QString::fromLatin1(toString(r.status)), corpus,
                                                  setting("context"), setting("top_k"), QString::fromStdString(r.createdAt)});
        item->setData(0, Qt::UserRole, qint64(r.id));
        if (!select || r.id == keep || (keep == 0 && r.status == RunRecord::Status::Finished))
            select = item;
    }
    if (select)
        m_runs->setCurrentItem(select);
    else
        m_state.setScanRun(0);
}

void FeaturesScanTab::startScan()
{
    if (!m_state.target().valid() || m_corpus->text().isEmpty()) {
        m_status->setText(tr("Choose a model, a dictionary and a corpus first."));
        return;
    }
    FeatureSession::ScanRequest r;
    r.corpus = m_corpus->text();
    r.format = m_format->currentData().toString();
    r.workspacePath = m_state.ctx().workspacePath();
    r.context = m_context->value();
    r.topK = m_topK->value();
    r.prependBos = m_bos->isChecked();
    const FeatureTarget target = m_state.target();
    auto session = m_state.session();
    m_status->setText(tr("Scanning. A cancelled scan resumes where it stopped."));
    m_progress->setValue(0);
    m_start->setEnabled(false);
    m_cancel->setEnabled(true);
    m_job = m_state.ctx().jobs().submit(
        tr("Scan %1").arg(QFileInfo(r.corpus).fileName()), QStringLiteral("features-scan"),
        [session, target, r](Progress &progress, const CancelToken &cancel) -> std::any { return session->scan(target, r, progress, cancel); },
        this,
        [this](std::any result) {
            finishJob();
            m_progress->setValue(m_progress->maximum());
            m_progress->setFormat(tr("done"));
            const auto o = std::any_cast<FeatureSession::ScanOutcome>(result);
            m_status->setText(o.alreadyFinished ? tr("This scan already exists (run %1).").arg(o.runId)
                                                : tr("Scan %1 finished: %2 windows, %3 tokens, %4 tokens/s.")
                                                      .arg(o.runId)
                                                      .arg(o.windows)
                                                      .arg(o.tokens)
                                                      .arg(o.tokensPerSecond, 0, 'f', 0));
            Q_EMIT m_state.ctx().runsChanged();
            m_state.setScanRun(o.runId);
            refresh();
        },
        [this](const QString &message, bool) {
            finishJob();
            m_status->setText(message);
            Q_EMIT m_state.ctx().runsChanged();
        });
}

void FeaturesScanTab::cancelScan()
{
    if (m_job)
        m_state.ctx().jobs().cancel(m_job);
}

void FeaturesScanTab::finishJob()
{
    m_job = 0;
    m_start->setEnabled(true);
    m_cancel->setEnabled(false);
}

void FeaturesScanTab::showJob(quint64 id)
{
    const JobInfo *job = id == m_job ? m_state.ctx().jobs().job(id) : nullptr;
    if (!job)
        return;
    const ProgressUpdate &u = job->progress;
    if (u.fraction >= 0)
        m_progress->setValue(int(1000 * u.fraction));
    QString text = QString::fromStdString(u.stage);
    if (u.rate > 0)
        text += tr(" · %1 %2/s").arg(u.rate, 0, 'f', 0).arg(QString::fromStdString(u.unit));
    if (u.etaSeconds >= 0)
        text += tr(" · %1 s left").arg(u.etaSeconds, 0, 'f', 0);
    m_progress->setFormat(text);
    // JobRunner calls neither handler for a cancelled job; its state here is the only news.
    if (job->state == JobInfo::State::Cancelled || job->state == JobInfo::State::Stale) {
        finishJob();
        m_progress->setFormat(tr("cancelled at %p %"));
        m_status->setText(tr("Scan cancelled; Run resumes it."));
    }
}

} // namespace gb
