/**
 * Basic-auth credentials for servers started in tests, with the bcrypt hash (cost 10) that
 * Pushgateway's web config wants: a wrong hash makes the authenticated pushes in the tests fail.
 */
export const TEST_BASIC_AUTH = {
  username: 'pusher',
  password: 'push-secret',
  bcryptHash: '$2b$10$uEp8ltAf5CCQD8SG9xRtheOb9BUMIN4HAGvQqi/peMLj9P0DuNrAO',
} as const;
