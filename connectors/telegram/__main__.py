"""`python -m connectors.telegram`: run the Telegram connector (polling, or webhook when configured)."""

from connectors.telegram.app import main

if __name__ == "__main__":
    main()
