import { Type } from 'typebox';

/**
 * The shapes of the catalog's identifiers, one definition for every schema that names a model or
 * a scenario (the model and scenario formats, and the API's parameters and bodies).
 *
 * A version is three whole numbers without leading zeros (Semantic Versioning 2.0.0, item 2:
 * "MUST NOT contain leading zeroes"). Versions are compared as numbers but stored and looked up
 * as text, so "01.0.0" and "1.0.0" would be one version to the comparison and two to the store:
 * a scenario stored at 01.0.0 could not then be updated at 1.0.0 (review of issue 19's stop).
 */
export const SLUG_PATTERN = '^[a-z0-9][a-z0-9-]*$';
export const VERSION_PATTERN = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$';

/** Longest id and version accepted; a version's parts stay well inside a safe integer. */
export const SLUG_MAX_LENGTH = 64;
export const VERSION_MAX_LENGTH = 32;

/** A model or scenario id: lower-case letters, digits and "-". */
export const SlugString = (description?: string) => Type.String({ pattern: SLUG_PATTERN, maxLength: SLUG_MAX_LENGTH, ...(description ? { description } : {}) });

/** A version, e.g. 1.2.0 (no leading zeros). */
export const VersionString = (description?: string) => Type.String({ pattern: VERSION_PATTERN, maxLength: VERSION_MAX_LENGTH, ...(description ? { description } : {}) });
