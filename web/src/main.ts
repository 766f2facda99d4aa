/*
 * Console entry: Pinia, vue-i18n, the router, Element Plus (parts only)
 * and the v-perms directive; the HTTP client's hooks are wired to the
 * session store and the router here.
 */
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { ElMessage } from 'element-plus'
import App from './App.vue'
import { i18n, currentLang, t } from './i18n'
import { router } from './router'
import { installElement } from './plugins/element'
import { perms } from './directives/perms'
import { setHttpHooks } from './api/http'
import { useUserStore } from './store/user'
import { useAppStore } from './store/app'
import './styles/index.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
installElement(app)
app.directive('perms', perms)

const user = useUserStore()
let redirecting = false
setHttpHooks({
  csrf: () => user.csrf,
  onUnauthenticated: () => {
    const wasIn = user.loggedIn
    user.clear()
    useAppStore().reset()
    const cur = router.currentRoute.value
    if (cur.name === 'Login' || redirecting)
      return
    redirecting = true
    if (wasIn)
      ElMessage({ type: 'warning', message: t('errors.sessionExpired') })
    void router.replace({ name: 'Login', query: { redirect: cur.fullPath } })
      .finally(() => { redirecting = false })
  },
  onPasswordChangeRequired: () => {
    if (user.me)
      user.me.must_change = true
    void router.replace({ name: 'ForcePassword' })
  },
})

document.documentElement.lang = currentLang()
app.use(router)
void router.isReady().then(() => app.mount('#app'))
