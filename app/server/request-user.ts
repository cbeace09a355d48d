/** The authenticated user id rides on the request once the auth hook has verified the token. */
declare module 'fastify' {
  interface FastifyRequest {
    userId: string;
  }
}

export {};
