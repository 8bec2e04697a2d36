// SPDX-License-Identifier: MIT
#pragma once

#include "plots/figure.h"

#include <QDir>
#include <QImage>
#include <QObject>
#include <QStringList>

/// Checks of exported files (SVG, PDF, PNG, data) and of `glassbox-cli render`.
class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyKindEveryFormat_data();
    void everyKindEveryFormat();
    void noClippingAtAnyPreset_data();
    void noClippingAtAnyPreset();
    void translucentLines();
    void roundTripsThroughJson_data();
    void roundTripsThroughJson();
    void sizePresets_data();
    void sizePresets();
    void transparentPng();
    void styleIsRestored();
    void errorsAreValues();
    void rejectsBadFigureJson_data();
    void rejectsBadFigureJson();
    void batchExport();
    // tst_render.cpp: glassbox-cli render end to end
    void renderFromWorkspace_data();
    void renderFromWorkspace();
    void renderWithoutDisplaySettings();
    void renderListsFigures();
    void renderExample();
    void renderErrors_data();
    void renderErrors();

private:
    QString makeWorkspace(); ///< a workspace with one run that stored a figure
    QDir m_dir;
    qint64 m_runId = 0;
    QString m_workspace; // kept in the build folder so the exports can be looked at
};

/// The provenance the tests stamp (run 42, one input with a known hash).
gb::plots::Provenance sampleProvenance();
/// Runs a poppler tool and returns its stdout ("<missing tool>" / "<tool failed>" otherwise).
QString runTool(const QString &tool, const QStringList &args);
/// Fraction of pixels that differ visibly from `background`.
double inkFraction(const QImage &img, QColor background);
/// Verifies provenance JSON against sampleProvenance().
void checkProvenance(const QByteArray &json);
