/**
 * Training machinery that does not depend on Spark: learning-rate schedules with composable warmup ({@link
 * io.sparknn.train.LearningRateSchedule}) and optimizers with regularization and gradient clipping ({@link
 * io.sparknn.train.Optimizer}) working on a network's flat parameter and gradient vectors.
 */
package io.sparknn.train;
