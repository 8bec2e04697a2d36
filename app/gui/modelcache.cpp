// SPDX-License-Identifier: MIT
#include "modelcache.h"

#include "models/transformermodel.h"

#include <QDir>

namespace gb {

ModelCache::Key ModelCache::key(const std::string &path, const std::string &processing)
{
    // One spelling per folder and per processing set, however the caller wrote them.
    const std::string canonical = QDir::cleanPath(QDir(QString::fromStdString(path)).absolutePath()).toStdString();
    return {canonical, ProcessingOptions::parse(processing).toString()};
}

std::shared_ptr<TransformerModel> ModelCache::obtain(const std::string &path, const std::string &processing,
                                                     Progress &progress, const CancelToken &cancel)
{
    const Key k = key(path, processing);
    if (auto cached = find(path, processing))
        return cached;
    LoadOptions options;
    options.processing = ProcessingOptions::parse(processing);
    auto model = TransformerModel::load(k.first, options, &progress, &cancel);
    const ModelConfig &c = model->config();
    Summary s{k.first, k.second, c.summary(), c.parameterCount(), c.nLayers, c.dModel, c.nHeads, c.vocabSize};
    std::lock_guard<std::mutex> lock(m_mutex);
    m_models[k] = model;
    m_summaries[k] = std::move(s);
    return model;
}

std::shared_ptr<TransformerModel> ModelCache::find(const std::string &path, const std::string &processing) const
{
    const Key k = key(path, processing);
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto it = m_models.find(k);
    return it == m_models.end() ? nullptr : it->second;
}

std::vector<ModelCache::Summary> ModelCache::loaded() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<Summary> out;
    for (const auto &[k, s] : m_summaries)
        out.push_back(s);
    return out;
}

bool ModelCache::isLoaded(const std::string &path) const
{
    const std::string canonical = key(path, {}).first;
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto &[k, s] : m_summaries)
        if (k.first == canonical)
            return true;
    return false;
}

void ModelCache::remove(const std::string &path)
{
    const std::string canonical = key(path, {}).first;
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto it = m_models.begin(); it != m_models.end();)
        it = it->first.first == canonical ? m_models.erase(it) : std::next(it);
    for (auto it = m_summaries.begin(); it != m_summaries.end();)
        it = it->first.first == canonical ? m_summaries.erase(it) : std::next(it);
}

} // namespace gb
