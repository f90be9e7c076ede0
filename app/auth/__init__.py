"""Sign-in building blocks: password hashing, TOTP and single-use secrets, free of I/O."""
