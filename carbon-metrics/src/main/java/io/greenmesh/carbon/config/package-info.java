/**
 * Configuration: the {@code greenmesh.carbon} HOCON block (defaults and citations in {@code reference.conf},
 * {@code GREENMESH_CARBON_*} environment overrides) parsed once into an immutable {@link
 * io.greenmesh.carbon.config.CarbonConfig}. Bad configuration fails fast with the offending path.
 */
package io.greenmesh.carbon.config;
