# The board's main loop: serve the USB serial line until Ctrl-C, then leave the outputs safe.
# It runs in main.py itself, and imports the core verbs first, because a micro:bit v1 has
# the most free heap now and too little C stack to compile a module from deep in a call.
import kb_agent  # first: compiling it needs the most free heap
import kb_board
import kb_sys

hal = __import__(kb_board.HAL)
ag = kb_agent.Agent(hal)
ag.event('boot')
# modules deployed with a boot(ag) hook (a stored model, the Wi-Fi link): kb_board.BOOT names them;
# a hook may return work for every turn of the loop, which a deadman or reset does not stop
run = [f for f in [__import__(m).boot(ag) for m in kb_board.BOOT] if f]
try:
    while True:
        try:
            d = hal.read()
            if d:
                ag.feed(d)
            else:
                hal.idle(1)
            ag.poll()
            for f in run:
                f()
        except MemoryError:
            ag.buf = b''
            ag.event('warn E_MEM')
finally:
    ag.safe()
