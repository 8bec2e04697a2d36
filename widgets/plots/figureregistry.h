// SPDX-License-Identifier: MIT
#pragma once

#include "figure.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// One figure type: how to rebuild it from its dataJson, and a small realistic example.
struct FigureKind {
    const char *kind;
    std::unique_ptr<Figure> (*fromJson)(const Json &json);
    std::unique_ptr<Figure> (*example)();
};

/// Every figure type, from an explicit table in figureregistry.cpp (static self-registration
/// is dropped by the linker in a static library). Adding a figure type = one line there; the
/// export tests and `glassbox-cli render` then cover it automatically.
const std::vector<FigureKind> &figureKinds();
/// The entry for `kind`, or null.
const FigureKind *findFigureKind(const QString &kind);
/// Rebuilds a figure from JSON written by its dataJson(); an unknown or missing "kind" or
/// malformed data is a BadInput error naming `source`.
std::unique_ptr<Figure> figureFromJson(const QByteArray &json, const std::string &source = "figure JSON");

} // namespace gb::plots
