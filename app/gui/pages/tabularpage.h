// SPDX-License-Identifier: MIT
#pragma once

#include "workflowpage.h"

namespace gb {

class TabularPage : public WorkflowPage {
    Q_OBJECT
public:
    explicit TabularPage(AppContext &ctx, QWidget *parent = nullptr);
};

} // namespace gb
