/** Basic-auth credentials for servers started in tests, with the bcrypt hash Pushgateway's web config wants. */
export const TEST_BASIC_AUTH = {
  username: 'pusher',
  password: 'push-secret',
  // bcrypt (cost 10) of "push-secret"; a wrong hash makes the authenticated push in the tests fail.
  bcryptHash: '$2b$10$uEp8ltAf5CCQD8SG9xRtheOb9BUMIN4HAGvQqi/peMLj9P0DuNrAO',
} as const;
