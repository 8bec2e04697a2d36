// SPDX-License-Identifier: MIT
#pragma once

#include "workflowpage.h"

namespace gb {

class AttributionPage : public WorkflowPage {
    Q_OBJECT
public:
    explicit AttributionPage(AppContext &ctx, QWidget *parent = nullptr);
};

} // namespace gb
