/** A registered account. The password is only ever kept hashed. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly fullName?: string;
  readonly passwordHash: string;
}

export interface CreateUserInput {
  readonly email: string;
  readonly fullName?: string;
  readonly password: string;
}
