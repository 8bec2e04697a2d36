// SPDX-License-Identifier: MIT
#pragma once

#include "plots/figureexporter.h"

#include <QDialog>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFontComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace gb {

/// A figure to export, with the base file name it gets in a batch.
struct NamedFigure {
    std::shared_ptr<plots::Figure> figure;
    QString name;
};

/// Export options for one figure (a file) or a batch (a folder): format, size preset, DPI,
/// font, background, colour maps, data files, with a live preview of the first figure. Errors
/// from the exporter are shown in the dialog, which stays open. The choices are remembered
/// (QSettings group "export").
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    /// `batch`: export every figure into a folder (else the first figure into a file).
    ExportDialog(std::vector<NamedFigure> figures, const plots::Provenance &provenance, bool batch = false,
                 QWidget *parent = nullptr);

    bool isBatch() const { return m_batch; }
    plots::ExportOptions options() const;
    void setOptions(const plots::ExportOptions &o);
    /// The file (single figure) or folder (batch) to export to.
    QString target() const;
    void setTarget(const QString &path);

    /// Exports with the current choices; the result is also shown in the dialog.
    plots::ExportResult exportNow();
    /// The last error shown ("" when none).
    QString errorText() const;

    /// Exports; closes the dialog only when that worked.
    void accept() override;

private:
    void buildUi();
    void browse();
    void updatePreview();
    void updateEnabled();
    void formatChanged();
    void loadSettings();
    void saveSettings() const;

    std::vector<NamedFigure> m_figures;
    plots::Provenance m_provenance;
    bool m_batch;
    QComboBox *m_format;
    QComboBox *m_preset;
    QDoubleSpinBox *m_width;
    QDoubleSpinBox *m_height;
    QSpinBox *m_dpi;
    QFontComboBox *m_font;
    QDoubleSpinBox *m_fontSize;
    QComboBox *m_background;
    QComboBox *m_sequential;
    QComboBox *m_diverging;
    QCheckBox *m_data;
    QLineEdit *m_target;
    QLabel *m_preview;
    QLabel *m_sizeLabel;
    QLabel *m_error;
};

} // namespace gb
