// SPDX-License-Identifier: MIT
#include "tabular/checks.h"

#include "common/error.h"
#include "io/csv.h"
#include "tabular/predictor.h"

namespace gb::tabular {

void checkInputs(const Predictor &model, const TabularData &data, const std::vector<int> &features, int maxFeatures)
{
    if (model.inputWidth() != data.cols())
        throw Error::badInput(data.source + ": the model takes " + std::to_string(model.inputWidth())
                              + " input columns but the data has " + std::to_string(data.cols()) + " feature columns");
    if (data.rows < 1)
        throw Error::badInput(data.source + ": no data rows");
    if (features.empty() || int(features.size()) > maxFeatures)
        throw Error::badInput("choose " + std::string(maxFeatures == 1 ? "one feature" : "one or two features"));
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (features[i] < 0 || features[i] >= data.cols())
            throw Error::badInput("feature index " + std::to_string(features[i]) + " is out of range (the data has "
                                  + std::to_string(data.cols()) + " features)");
        if (i > 0 && features[i] == features[0])
            throw Error::badInput("the two features must differ (both are '" + data.names[std::size_t(features[i])] + "')");
    }
}

} // namespace gb::tabular
