// SPDX-License-Identifier: MIT
// Helpers shared by the model tests: fixtures, tensor comparison, checkpoint surgery.
#pragma once

#include "io/safetensors.h"
#include "models/transformermodel.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QFile>

#include <map>
#include <string>
#include <vector>

namespace gbtest {

inline QString modelFixture(const char *name)
{
    return fixturesDir() + QStringLiteral("/models/") + QString::fromLatin1(name);
}

/// The prompt the fixture script used.
inline at::Tensor fixturePrompt()
{
    return at::tensor(std::vector<std::int64_t>{3, 17, 42, 5, 30, 1, 33}, at::kLong).view({1, -1});
}

inline double maxDiff(const at::Tensor &a, const at::Tensor &b)
{
    if (a.sizes() != b.sizes()) {
        qWarning("shape mismatch");
        return INFINITY;
    }
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

inline std::map<std::string, at::Tensor> readAll(const QString &file)
{
    const auto f = gb::SafetensorsFile::open(file.toStdString());
    std::map<std::string, at::Tensor> out;
    for (const gb::TensorEntry &e : f->entries())
        out[e.name] = f->tensor(e.name).clone();
    return out;
}

/// Copies a fixture folder (config.json + model.safetensors) into `dir`.
inline void copyFixture(const char *name, const QString &dir)
{
    QDir().mkpath(dir);
    for (const char *file : {"config.json", "model.safetensors"}) {
        const QString target = dir + QLatin1Char('/') + QString::fromLatin1(file);
        QFile::remove(target);
        QVERIFY(QFile::copy(modelFixture(name) + QLatin1Char('/') + QString::fromLatin1(file), target));
    }
}

inline void writeTensors(const QString &file, const std::map<std::string, at::Tensor> &tensors)
{
    std::vector<std::pair<std::string, at::Tensor>> list(tensors.begin(), tensors.end());
    gb::writeSafetensors(file.toStdString(), list);
}

/// Rewrites one key of a folder's config.json.
inline void editConfig(const QString &dir, const std::string &key, const gb::Json &value)
{
    const QString path = dir + QStringLiteral("/config.json");
    gb::Json cfg = gb::Json::parseFile(path.toStdString());
    cfg.set(key, value);
    writeFile(path, cfg.dump(2));
}

} // namespace gbtest
