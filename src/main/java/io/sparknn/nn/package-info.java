/**
 * Network building blocks with explicit forward and backward passes on ND4J arrays: activations ({@link
 * io.sparknn.nn.Activation}) and losses ({@link io.sparknn.nn.Loss}). Every derivative is checked against finite
 * differences in float64 by the tests. No Spark SQL here: the estimators are the only bridge to DataFrames.
 */
package io.sparknn.nn;
