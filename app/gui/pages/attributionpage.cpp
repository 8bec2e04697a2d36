// SPDX-License-Identifier: MIT
#include "attributionpage.h"

namespace gb {

AttributionPage::AttributionPage(AppContext &ctx, QWidget *parent)
    : WorkflowPage(ctx, tr("Attribution"), parent)
{
    setObjectName(QStringLiteral("attributionpage"));
    showRequirement(tr("Load a language model (File \u25B8 Open Model Folder) to attribute its predictions to the prompt's tokens."));
}

} // namespace gb
