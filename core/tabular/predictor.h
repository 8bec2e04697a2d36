// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>

namespace gb::tabular {

struct ReluNetwork;

/// A model as the effect estimators see it: rows of `inputWidth()` float32 values in, one number
/// per row out (the response being explained: a regression output, a class probability, a
/// logit...). Implementations must be safe to call from a worker thread.
class Predictor {
public:
    virtual ~Predictor() = default;

    virtual std::int64_t inputWidth() const = 0;
    /// Writes one prediction per row for `n` row-major rows of inputWidth() values.
    virtual void predict(const float *rows, std::int64_t n, float *out) const = 0;
    /// Rows per forward call that keep memory bounded while amortising the per-call cost.
    virtual std::int64_t preferredBatchRows() const { return 1 << 16; }
    /// The same function as a ReLU network when the model provably is one (see ReluNetwork),
    /// else null. Estimators may then walk its linear regions instead of calling predict().
    virtual const ReluNetwork *piecewiseLinear() const { return nullptr; }
};

/// A Predictor from a plain function of one row: analytic test models and references.
class FunctionPredictor final : public Predictor {
public:
    using Function = std::function<double(const float *row)>;

    FunctionPredictor(std::int64_t width, Function f, std::int64_t batchRows = 1 << 16)
        : m_width(width), m_f(std::move(f)), m_batchRows(batchRows)
    {
    }

    std::int64_t inputWidth() const override { return m_width; }
    void predict(const float *rows, std::int64_t n, float *out) const override
    {
        for (std::int64_t i = 0; i < n; ++i)
            out[i] = float(m_f(rows + i * m_width));
    }
    std::int64_t preferredBatchRows() const override { return m_batchRows; }

private:
    std::int64_t m_width;
    Function m_f;
    std::int64_t m_batchRows;
};

} // namespace gb::tabular
