/**
 * Neural classifiers as Spark ML stages: {@link io.sparknn.classification.NeuralClassifier} fits a network on a
 * features vector and writes the same columns as Spark's classifiers ({@code rawPrediction}, {@code probability},
 * {@code prediction}).
 */
package io.sparknn.classification;
