// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

namespace gb {
struct TabularData;
}

namespace gb::tabular {

class Predictor;

/// BadInput unless the model takes the data's columns and `features` names 1 to `maxFeatures`
/// distinct valid columns.
void checkInputs(const Predictor &model, const TabularData &data, const std::vector<int> &features, int maxFeatures);

} // namespace gb::tabular
