"""What signs a request: private keys, JWT minting and decoding, the token cache."""
