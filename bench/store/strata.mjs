// Placeholder until @strata/store's createStore lands.
throw new Error('Strata store API not available yet')
