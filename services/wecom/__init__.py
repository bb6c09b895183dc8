"""WeCom's side of the platform: the directory sync and the access token shared by instances."""
