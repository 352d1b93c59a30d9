/**
 * Event keys other modules subscribe to. Subscribers use the constant so a
 * typo fails to compile instead of silently never matching.
 */
export const PASSWORD_RESET_REQUESTED = 'password.reset.requested';
