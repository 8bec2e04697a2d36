// SPDX-License-Identifier: MIT
#pragma once

#include "workflowpage.h"

namespace gb {

class EvolutionPage : public WorkflowPage {
    Q_OBJECT
public:
    explicit EvolutionPage(AppContext &ctx, QWidget *parent = nullptr);
};

} // namespace gb
