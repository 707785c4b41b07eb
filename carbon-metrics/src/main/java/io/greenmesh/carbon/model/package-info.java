/**
 * The estimation model as pure functions over immutable values: which bytes a server-based (SFU) call would
 * have moved ({@link io.greenmesh.carbon.model.Counterfactual}) and what energy, CO2e and water those bytes stand
 * for under one preset ({@link io.greenmesh.carbon.model.ImpactModel}). Nothing here keeps state or reads config.
 */
package io.greenmesh.carbon.model;
