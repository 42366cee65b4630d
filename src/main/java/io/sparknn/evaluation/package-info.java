/**
 * Evaluation: {@link io.sparknn.evaluation.MetricsEvaluator}, a Spark ML {@code Evaluator} for classification
 * and regression that computes every metric of the task in one pass over the scored data (plus the sort that
 * exact ROC AUC needs), and {@link io.sparknn.evaluation.MetricsReport}, the printable and JSON-able result.
 */
package io.sparknn.evaluation;
