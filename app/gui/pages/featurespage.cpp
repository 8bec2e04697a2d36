// SPDX-License-Identifier: MIT
#include "featurespage.h"

namespace gb {

FeaturesPage::FeaturesPage(AppContext &ctx, QWidget *parent)
    : WorkflowPage(ctx, tr("Features"), parent)
{
    setObjectName(QStringLiteral("featurespage"));
    showRequirement(tr("Load a language model and a sparse dictionary (File \u25B8 Open Model Folder, File \u25B8 Open Dictionary) to see which features fire on your prompt."));
}

} // namespace gb
