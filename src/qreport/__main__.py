from qreport.cli.app import main

main()
