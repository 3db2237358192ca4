/**
 * The wire protocol of the request plane: the JSON bodies of {@code generate}, {@code
 * load_metrics} and {@code clear_kv_blocks}, encoded and decoded only by {@link
 * dev.vigil.runtime.protocol.WireCodec}. Jackson binds these records reflectively, so each one is
 * {@code @RegisterForReflection}: a native executable keeps only the reflection it was told about,
 * and without it a request would decode to an error at run time, never at build time.
 */
package dev.vigil.runtime.protocol;
