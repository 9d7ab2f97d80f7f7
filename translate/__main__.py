from translate.cli import main
import sys

sys.exit(main())
