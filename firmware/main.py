import kb_main
