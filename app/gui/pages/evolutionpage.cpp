// SPDX-License-Identifier: MIT
#include "evolutionpage.h"

namespace gb {

EvolutionPage::EvolutionPage(AppContext &ctx, QWidget *parent)
    : WorkflowPage(ctx, tr("Evolution"), parent)
{
    setObjectName(QStringLiteral("evolutionpage"));
    showRequirement(tr("Open a crosscoder trained over training checkpoints (File \u25B8 Open Dictionary) to follow its features through training."));
}

} // namespace gb
