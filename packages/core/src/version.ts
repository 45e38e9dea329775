/**
 * streamkit's version: in the user agent of every AWS SDK client streamkit's functions make, and in the
 * `streamkit:version` tag of every stack. A test keeps it equal to the version of every package.json.
 */
export const STREAMKIT_VERSION = '0.1.0';
