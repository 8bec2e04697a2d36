// SPDX-License-Identifier: MIT
#pragma once

#include "workflowpage.h"

#include <QSet>
#include <QString>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace gb {

namespace plots {
struct Provenance;
}

class AttributionControls;
class FigureView;
class TokenStripView;
class SparseDictionary;
struct LoadedLm;
struct PageAttribution;
struct PageAttributionInput;
struct PageGeneration;
struct PromptTokens;

/// Prompt attribution (issue 7): the user opens a language model folder, types a prompt, picks
/// the explained next token (offered from the model's top predictions) and optionally a foil,
/// chooses methods in the controls and sees every token highlighted per method (stacked, with
/// rank agreement), the methods' numbers (f(x), f(x'), delta, steps, time, Spearman rho between
/// every pair), deletion / insertion curves, and the generation attribution matrix. Every
/// computation is a job (progress per step batch, cancellable); runs are stored in the workspace.
class AttributionPage : public WorkflowPage {
    Q_OBJECT
public:
    explicit AttributionPage(AppContext &ctx, QWidget *parent = nullptr);
    ~AttributionPage() override;

    /// Loads the model folder in a job (errors go to the app's banner).
    void openModel(const QString &dir);
    void setPrompt(const QString &text);
    QString prompt() const;
    /// The explained token and foil as typed: an id, "#id" or one token's text; "" = no foil.
    void setTarget(const QString &token);
    void setFoil(const QString &token);
    /// Loads an SAE / transcoder folder in a job and, with `makeTarget`, makes "SAE feature
    /// activation" the target (else it is offered and the target stays).
    void openDictionary(const QString &dir, bool makeTarget = true);
    bool hasDictionary() const { return bool(m_dictionary); }
    void setFeature(qint64 feature);
    AttributionControls *controls() const { return m_controls; }
    /// Attributes the current target with the controls' methods (a job).
    void attribute();
    /// Generates `newTokens` and attributes each to its context (a job).
    void attributeGeneration(int newTokens);
    void cancel();

    bool isBusy() const { return !m_pending.isEmpty(); }
    bool hasModel() const { return bool(m_lm); }
    QString modelPath() const;
    TokenStripView *strip() const { return m_strip; }
    FigureView *faithfulnessView() const { return m_faithfulness; }
    FigureView *generationView() const { return m_generation; }
    QTableWidget *numbers() const { return m_numbers; }
    QTabWidget *tabs() const { return m_tabs; }
    qint64 lastRunId() const { return m_lastRunId; }

Q_SIGNALS:
    void modelLoaded();
    /// An attribution or generation result is on screen.
    void resultShown();

private:
    QWidget *buildContent();
    QWidget *buildPromptBar();
    void chooseFolder();
    void onArtifactRequested(qint64 id);
    void onModelLoaded(std::shared_ptr<const LoadedLm> lm);
    /// A workspace was opened: without a model of its own, the page opens the model of the
    /// workspace's latest corpus scan (else its latest model) and offers that scan's dictionary.
    void openFromWorkspace();
    /// Re-tokenises the prompt and asks the model for its likely next tokens.
    void refreshPrompt();
    /// Reads the prompt, tokens and settings; false (and the error in the banner) on bad input.
    bool prepare(PageAttributionInput &in, bool needTarget);
    void showAttribution(const PageAttributionInput &in, const PageAttribution &result);
    void showGeneration(const PageAttributionInput &in, const PageGeneration &result);
    void fillNumbers(const PageAttribution &result);
    /// What exports stamp into files: title, parameters, the model (with its hash once registered), the run.
    plots::Provenance provenance(const QString &title, const std::string &paramsJson);
    qint64 storeRun(const std::string &paramsJson, const std::string &resultJson, const QByteArray &figureJson);
    /// Follows a submitted job: busy until it finishes, fails or is cancelled.
    void track(quint64 job, const QString &status);
    void onJobChanged(quint64 job);

    std::shared_ptr<const LoadedLm> m_lm;
    std::shared_ptr<const PromptTokens> m_prompt;
    std::shared_ptr<const SparseDictionary> m_dictionary;
    QSet<quint64> m_pending;
    qint64 m_lastRunId = 0;

    AttributionControls *m_controls = nullptr;
    QLabel *m_modelLabel = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QPlainTextEdit *m_promptEdit = nullptr;
    QLabel *m_tokenCount = nullptr;
    QComboBox *m_target = nullptr;
    QLineEdit *m_foil = nullptr;
    QLabel *m_dictionaryLabel = nullptr;
    QSpinBox *m_feature = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QSpinBox *m_newTokens = nullptr;
    QPushButton *m_generate = nullptr;
    QTabWidget *m_tabs = nullptr;
    TokenStripView *m_strip = nullptr;
    QTableWidget *m_numbers = nullptr;
    FigureView *m_faithfulness = nullptr;
    FigureView *m_generation = nullptr;
    QTimer *m_promptTimer = nullptr;
};

} // namespace gb
