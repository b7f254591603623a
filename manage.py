#!/usr/bin/env python
from ecociv.cli import main

if __name__ == "__main__":
    main()
