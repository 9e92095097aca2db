# The board's main loop: serve the USB serial line until Ctrl-C, then leave outputs safe.
import kb_board
import kb_agent

hal = __import__(kb_board.HAL)
ag = kb_agent.Agent(hal)
ag.event('boot')
try:
    while True:
        d = hal.read()
        if d:
            ag.feed(d)
        else:
            hal.idle(1)
        ag.poll()
finally:
    hal.safe()
