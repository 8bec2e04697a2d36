// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/results.h"

#include <QWidget>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QListWidget;
class QSpinBox;

namespace gb {

/// What the user chose in the attribution controls, as plain values (names as the CLI spells
/// them, so the page converts them with the core's parsers).
struct AttributionSettings {
    std::vector<AttributionMethod> methods;
    std::string kind = "logprob";       ///< logit, prob, logprob, logit_diff, feature
    std::int64_t position = -1;         ///< -1 = last
    std::string baseline = "zero";      ///< zero | token:ID
    std::string input = "token_embeddings";
    int steps = 50;
    std::string quadrature = "gausslegendre";
    double adaptiveTolerance = 0.0;     ///< > 0: adaptive IG to this relative tolerance
    int samples = 0;                    ///< LIME / KernelSHAP; 0 = defaults
    int window = 1;                     ///< occlusion
    bool faithfulness = true;
    bool words = false;
    int memoryBudgetMiB = 1024;         ///< what one batch of steps may use
};

/// The method, target kind, baseline, path and step settings of the attribution page. The
/// target and foil tokens live on the page (they depend on the prompt).
class AttributionControls : public QWidget {
    Q_OBJECT
public:
    explicit AttributionControls(QWidget *parent = nullptr);

    AttributionSettings settings() const;
    void setSettings(const AttributionSettings &s);
    /// Baseline tokens to offer besides "zero": (label, id), e.g. ("<|endoftext|>", 50256).
    void setBaselineTokens(const std::vector<std::pair<QString, std::int64_t>> &tokens);
    /// Prompt length, for the position spin box.
    void setPromptLength(int tokens);
    /// Shown when a foil token is set: the target kind becomes the logit difference.
    void setFoilActive(bool active);

Q_SIGNALS:
    void changed();

private:
    void updateEnabled();

    QListWidget *m_methods;
    QComboBox *m_kind;
    QSpinBox *m_position;
    QComboBox *m_baseline;
    QComboBox *m_input;
    QSpinBox *m_steps;
    QComboBox *m_quadrature;
    QCheckBox *m_adaptive;
    QDoubleSpinBox *m_tolerance;
    QSpinBox *m_samples;
    QSpinBox *m_window;
    QSpinBox *m_budget;
    QCheckBox *m_faithfulness;
    QCheckBox *m_words;
    bool m_foil = false;
};

} // namespace gb
