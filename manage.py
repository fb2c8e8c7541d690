#!/usr/bin/env python
"""Django's command-line utility; the same as the ``xuncha`` console script."""

from xuncha.__main__ import main

if __name__ == "__main__":
    main()
