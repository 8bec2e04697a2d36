// SPDX-License-Identifier: MIT
#pragma once

#include "workflowpage.h"

namespace gb {

class FeaturesPage : public WorkflowPage {
    Q_OBJECT
public:
    explicit FeaturesPage(AppContext &ctx, QWidget *parent = nullptr);
};

} // namespace gb
