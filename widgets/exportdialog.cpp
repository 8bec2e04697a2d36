// SPDX-License-Identifier: MIT
#include "exportdialog.h"

#include "plots/colormap.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace gb {

using namespace plots;

namespace {
constexpr int PreviewWidth = 360; // pixels
}

ExportDialog::ExportDialog(std::vector<NamedFigure> figures, const Provenance &provenance, bool batch, QWidget *parent)
    : QDialog(parent)
    , m_figures(std::move(figures))
    , m_provenance(provenance)
    , m_batch(batch)
{
    setWindowTitle(isBatch() ? tr("Export %1 Figures").arg(m_figures.size()) : tr("Export Figure"));
    buildUi();
    loadSettings();
    updateEnabled();
    updatePreview();
}

void ExportDialog::buildUi()
{
    m_format = new QComboBox;
    m_format->addItem(tr("SVG (vector, editable text)"), QStringLiteral("svg"));
    m_format->addItem(tr("PDF (vector, fonts embedded)"), QStringLiteral("pdf"));
    m_format->addItem(tr("PNG (image)"), QStringLiteral("png"));
    m_preset = new QComboBox;
    for (const SizePreset &p : sizePresets())
        m_preset->addItem(p.label, p.name);
    m_width = new QDoubleSpinBox;
    m_height = new QDoubleSpinBox;
    for (QDoubleSpinBox *b : {m_width, m_height}) {
        b->setRange(0.5, 200.0);
        b->setDecimals(2);
        b->setSuffix(tr(" in"));
    }
    m_width->setValue(5.0);
    m_height->setValue(3.33);
    auto *custom = new QHBoxLayout;
    custom->addWidget(m_width);
    custom->addWidget(new QLabel(QStringLiteral("\u00D7")));
    custom->addWidget(m_height);
    m_dpi = new QSpinBox;
    m_dpi->setRange(50, 2400);
    m_dpi->setValue(300);
    m_dpi->setSuffix(tr(" dpi"));
    m_font = new QFontComboBox;
    m_font->setCurrentFont(QFont(QStringLiteral("DejaVu Sans")));
    m_fontSize = new QDoubleSpinBox;
    m_fontSize->setRange(0.0, 48.0);
    m_fontSize->setDecimals(1);
    m_fontSize->setSpecialValueText(tr("preset default"));
    m_fontSize->setSuffix(tr(" pt"));
    m_background = new QComboBox;
    m_background->addItem(tr("White"), false);
    m_background->addItem(tr("Transparent"), true);
    m_sequential = new QComboBox;
    m_sequential->addItems(ColorMap::sequentialNames());
    m_diverging = new QComboBox;
    m_diverging->addItems(ColorMap::divergingNames());
    m_data = new QCheckBox(tr("Also write the plotted data (CSV and JSON, same name)"));
    m_target = new QLineEdit;
    auto *browseButton = new QPushButton(tr("Browse\u2026"));
    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(m_target, 1);
    targetRow->addWidget(browseButton);

    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Size:"), m_preset);
    form->addRow(tr("Custom size:"), custom);
    form->addRow(tr("Resolution:"), m_dpi);
    form->addRow(tr("Font:"), m_font);
    form->addRow(tr("Font size:"), m_fontSize);
    form->addRow(tr("Background:"), m_background);
    form->addRow(tr("Sequential colours:"), m_sequential);
    form->addRow(tr("Diverging colours:"), m_diverging);
    form->addRow(QString(), m_data);
    form->addRow(isBatch() ? tr("Folder:") : tr("File:"), targetRow);

    m_preview = new QLabel;
    m_preview->setMinimumSize(PreviewWidth, PreviewWidth * 2 / 3);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_sizeLabel = new QLabel;
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #B00020;"));
    m_error->hide();
    auto *previewColumn = new QVBoxLayout;
    previewColumn->addWidget(m_preview, 1);
    previewColumn->addWidget(m_sizeLabel);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    auto *columns = new QHBoxLayout;
    columns->addLayout(form);
    columns->addLayout(previewColumn, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    for (QComboBox *c : {m_preset, m_background, m_sequential, m_diverging})
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            updateEnabled();
            updatePreview();
        });
    for (QDoubleSpinBox *b : {m_width, m_height, m_fontSize})
        connect(b, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updatePreview);
    connect(m_dpi, &QSpinBox::valueChanged, this, &ExportDialog::updatePreview);
    connect(m_font, &QFontComboBox::currentFontChanged, this, &ExportDialog::updatePreview);
}

ExportOptions ExportDialog::options() const
{
    ExportOptions o;
    o.format = *formatFromName(m_format->currentData().toString());
    o.preset = m_preset->currentData().toString();
    o.customSize = QSizeF(m_width->value() * 72.0, m_height->value() * 72.0);
    o.dpi = m_dpi->value();
    o.fontFamily = m_font->currentFont().family();
    o.fontPointSize = m_fontSize->value();
    o.transparentBackground = m_background->currentData().toBool();
    o.sequentialMap = m_sequential->currentText();
    o.divergingMap = m_diverging->currentText();
    o.writeData = m_data->isChecked();
    o.provenance = m_provenance;
    return o;
}

void ExportDialog::setOptions(const ExportOptions &o)
{
    m_format->setCurrentIndex(m_format->findData(formatName(o.format)));
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(o.preset)));
    if (o.customSize.isValid() && !o.customSize.isEmpty()) {
        m_width->setValue(o.customSize.width() / 72.0);
        m_height->setValue(o.customSize.height() / 72.0);
    }
    m_dpi->setValue(int(std::lround(o.dpi)));
    if (!o.fontFamily.isEmpty())
        m_font->setCurrentFont(QFont(o.fontFamily));
    m_fontSize->setValue(o.fontPointSize);
    m_background->setCurrentIndex(o.transparentBackground ? 1 : 0);
    if (!o.sequentialMap.isEmpty())
        m_sequential->setCurrentText(o.sequentialMap);
    if (!o.divergingMap.isEmpty())
        m_diverging->setCurrentText(o.divergingMap);
    m_data->setChecked(o.writeData);
    formatChanged(); // also when the format index did not change: the target's suffix may differ
}

QString ExportDialog::target() const
{
    return m_target->text().trimmed();
}

void ExportDialog::setTarget(const QString &path)
{
    m_target->setText(path);
}

QString ExportDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void ExportDialog::formatChanged()
{
    // Keep the file name, change its suffix.
    const QString suffix = m_format->currentData().toString();
    QString path = target();
    if (!isBatch() && !path.isEmpty()) {
        const QFileInfo info(path);
        path = info.dir().filePath(info.completeBaseName() + QLatin1Char('.') + suffix);
        m_target->setText(path);
    }
    updateEnabled();
    updatePreview();
}

void ExportDialog::updateEnabled()
{
    const bool custom = m_preset->currentData().toString() == QLatin1String("custom");
    m_width->setEnabled(custom);
    m_height->setEnabled(custom);
    m_dpi->setEnabled(m_format->currentData().toString() == QLatin1String("png"));
}

void ExportDialog::updatePreview()
{
    if (m_figures.empty() || !m_figures.front().figure)
        return;
    Figure &figure = *m_figures.front().figure;
    ExportOptions o = options();
    const QSizeF pt = FigureExporter::sizeFor(figure, o);
    // The preview is the PNG path at a resolution that fits the preview box.
    o.format = ExportFormat::Png;
    o.dpi = std::min(144.0, 72.0 * PreviewWidth / pt.width());
    const QImage img = FigureExporter::toImage(figure, o);
    m_preview->setPixmap(QPixmap::fromImage(img));
    QString size = tr("%1 \u00D7 %2 pt (%3 \u00D7 %4 in)")
                       .arg(pt.width(), 0, 'f', 0)
                       .arg(pt.height(), 0, 'f', 0)
                       .arg(pt.width() / 72.0, 0, 'f', 2)
                       .arg(pt.height() / 72.0, 0, 'f', 2);
    if (m_format->currentData().toString() == QLatin1String("png"))
        size += tr(", %1 \u00D7 %2 px").arg(std::lround(pt.width() * m_dpi->value() / 72.0)).arg(std::lround(pt.height() * m_dpi->value() / 72.0));
    m_sizeLabel->setText(size);
}

void ExportDialog::browse()
{
    const QString suffix = m_format->currentData().toString();
    QString chosen;
    if (isBatch()) {
        chosen = QFileDialog::getExistingDirectory(this, tr("Export Figures to Folder"), target());
    } else {
        chosen = QFileDialog::getSaveFileName(this, tr("Export Figure"), target(),
                                              tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
        if (!chosen.isEmpty() && QFileInfo(chosen).suffix().isEmpty())
            chosen += QLatin1Char('.') + suffix;
    }
    if (!chosen.isEmpty())
        m_target->setText(chosen);
}

ExportResult ExportDialog::exportNow()
{
    ExportResult r;
    const QString path = target();
    if (path.isEmpty()) {
        r.error = isBatch() ? tr("Choose a folder to export to.") : tr("Choose a file to export to.");
    } else if (isBatch()) {
        std::vector<std::pair<Figure *, QString>> list;
        for (const NamedFigure &f : m_figures)
            list.emplace_back(f.figure.get(), f.name);
        QProgressDialog progress(tr("Exporting figures\u2026"), tr("Cancel"), 0, int(list.size()), this);
        progress.setWindowModality(Qt::WindowModal);
        progress.setMinimumDuration(500);
        r = FigureExporter::exportBatch(list, path, options(), [&](int done, int) {
            progress.setValue(done);
            return !progress.wasCanceled();
        });
    } else {
        const QString suffix = QLatin1Char('.') + m_format->currentData().toString();
        r = FigureExporter::exportFigure(*m_figures.front().figure, path.endsWith(suffix, Qt::CaseInsensitive) ? path : path + suffix,
                                         options());
    }
    m_error->setText(r.error);
    m_error->setVisible(!r.ok);
    return r;
}

void ExportDialog::accept()
{
    if (!exportNow().ok)
        return; // the error is shown; the dialog stays open
    saveSettings();
    QDialog::accept();
}

void ExportDialog::loadSettings()
{
    QSettings s;
    s.beginGroup(QStringLiteral("export"));
    m_format->setCurrentIndex(std::max(0, m_format->findData(s.value(QStringLiteral("format"), QStringLiteral("pdf")))));
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(s.value(QStringLiteral("preset"), QStringLiteral("single-column")))));
    m_width->setValue(s.value(QStringLiteral("widthIn"), 5.0).toDouble());
    m_height->setValue(s.value(QStringLiteral("heightIn"), 3.33).toDouble());
    m_dpi->setValue(s.value(QStringLiteral("dpi"), 300).toInt());
    m_font->setCurrentFont(QFont(s.value(QStringLiteral("font"), QStringLiteral("DejaVu Sans")).toString()));
    m_fontSize->setValue(s.value(QStringLiteral("fontSize"), 0.0).toDouble());
    m_background->setCurrentIndex(s.value(QStringLiteral("transparent"), false).toBool() ? 1 : 0);
    m_sequential->setCurrentText(s.value(QStringLiteral("sequential"), QStringLiteral("viridis")).toString());
    m_diverging->setCurrentText(s.value(QStringLiteral("diverging"), QStringLiteral("blue-red")).toString());
    m_data->setChecked(s.value(QStringLiteral("data"), false).toBool());
    const QString folder = s.value(QStringLiteral("folder"), QDir::homePath()).toString();
    const QString base = m_figures.empty() ? QStringLiteral("figure") : m_figures.front().name;
    m_target->setText(isBatch() ? folder : QDir(folder).filePath(base + QLatin1Char('.') + m_format->currentData().toString()));
}

void ExportDialog::saveSettings() const
{
    QSettings s;
    s.beginGroup(QStringLiteral("export"));
    const ExportOptions o = options();
    s.setValue(QStringLiteral("format"), formatName(o.format));
    s.setValue(QStringLiteral("preset"), o.preset);
    s.setValue(QStringLiteral("widthIn"), m_width->value());
    s.setValue(QStringLiteral("heightIn"), m_height->value());
    s.setValue(QStringLiteral("dpi"), m_dpi->value());
    s.setValue(QStringLiteral("font"), o.fontFamily);
    s.setValue(QStringLiteral("fontSize"), o.fontPointSize);
    s.setValue(QStringLiteral("transparent"), o.transparentBackground);
    s.setValue(QStringLiteral("sequential"), o.sequentialMap);
    s.setValue(QStringLiteral("diverging"), o.divergingMap);
    s.setValue(QStringLiteral("data"), o.writeData);
    s.setValue(QStringLiteral("folder"), isBatch() ? target() : QFileInfo(target()).absolutePath());
}

} // namespace gb
