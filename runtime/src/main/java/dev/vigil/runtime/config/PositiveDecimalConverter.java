package dev.vigil.runtime.config;

/**
 * The old name of {@link DecimalConverter.Positive}, kept only because {@code MockerConfigTest}
 * (in {@code worker/engine}, which another change is rewriting) still constructs it; delete it once
 * that test names {@link DecimalConverter.Positive}. Configuration uses {@link
 * DecimalConverter.Positive}.
 */
public class PositiveDecimalConverter extends DecimalConverter.Positive {}
