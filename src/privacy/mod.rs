//! Privacy mechanisms: the personalisation level, local differential privacy
//! (randomised response, optimised unary encoding), the budget ledger, epochs,
//! the upstream payload and the aggregation estimator.
