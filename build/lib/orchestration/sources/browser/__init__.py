"""The `browser` connector: JS-rendered marketplace listings read in headless Chromium."""
