/**
 * Feature stages: exact stratified splitting ({@link io.sparknn.feature.StratifiedSplitter}), a stratified
 * k-fold column for {@code CrossValidator.setFoldCol} ({@link io.sparknn.feature.StratifiedKFold}), one-pass
 * standardization ({@link io.sparknn.feature.Standardizer}) and categorical encoding ({@link
 * io.sparknn.feature.CategoricalEncoder}).
 */
package io.sparknn.feature;
