/** The file the tab project's global setup writes into its folder once the tab is built and local mode seeded. */
export const SHARED_SETUP_DONE = 'done.json';
