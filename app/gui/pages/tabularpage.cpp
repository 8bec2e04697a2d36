// SPDX-License-Identifier: MIT
#include "tabularpage.h"

namespace gb {

TabularPage::TabularPage(AppContext &ctx, QWidget *parent)
    : WorkflowPage(ctx, tr("Tabular"), parent)
{
    setObjectName(QStringLiteral("tabularpage"));
    showRequirement(tr("Open a TorchScript model (.pt) and a CSV data set (File \u25B8 Open Data Set) to plot PDP, ICE and ALE."));
}

} // namespace gb
