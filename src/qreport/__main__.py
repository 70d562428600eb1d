from qreport.cli import main

main()
